// Tests of the WebSocket module arrive with its issue.
