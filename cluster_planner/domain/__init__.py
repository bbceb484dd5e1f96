"""The planning domain: region layers, ecosystem cities, the industry catalog, local
conditions, imported statistics and plans. Plain data and its loaders; no rules, no Qt."""
