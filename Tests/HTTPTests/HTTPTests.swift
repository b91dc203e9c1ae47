// Tests of the HTTP module arrive with its issue.
