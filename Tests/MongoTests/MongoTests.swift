// Tests of the Mongo module arrive with its issue.
