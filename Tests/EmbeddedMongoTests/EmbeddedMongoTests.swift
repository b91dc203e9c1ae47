// Tests of the EmbeddedMongo module.
