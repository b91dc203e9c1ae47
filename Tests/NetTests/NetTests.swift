// Tests of the Net module arrive with its issue.
