"""The rules: fit of a region for an industry, the homogenization flags, similarity, the
incremental engine and scenario comparison. Pure functions of a plan and its domain data."""
