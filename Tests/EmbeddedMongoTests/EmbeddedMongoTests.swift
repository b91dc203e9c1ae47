// Tests of the EmbeddedMongo module arrive with its issue.
