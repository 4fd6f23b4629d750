"""Statistics of the clusters: for the agency (all clusters) and per cluster."""
