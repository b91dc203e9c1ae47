// Tests of the BSON module arrive with its issue.
