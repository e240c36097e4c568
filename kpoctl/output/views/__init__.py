"""Views: the data behind `count`, `orphans`, `tree` and `report`, as the JSON shapes of
CLI.md, plus their rich text renderings. They read the graph; they never lint."""
