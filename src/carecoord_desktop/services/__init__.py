"""Use cases: plain Python over the workspace. The only layer that runs queries."""
