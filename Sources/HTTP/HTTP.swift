// The HTTP module: see DESIGN.md §2 (docs/architecture.md). Sources arrive with its issue.
