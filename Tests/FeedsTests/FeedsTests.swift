// Tests of the Feeds module arrive with its issue.
