// Tests of the Jobs module arrive with its issue.
