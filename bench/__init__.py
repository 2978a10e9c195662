"""`make bench`: the reference server under real load (wrk), configurations side by side."""
