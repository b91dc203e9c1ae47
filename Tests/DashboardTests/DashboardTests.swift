// Tests of the Dashboard module arrive with its issue.
