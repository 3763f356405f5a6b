"""Delivery-over-delivery drift: this run's report against an earlier report of the same spec.

`distributions` counts each task's labels in SQL (small count tables the JSON report keeps);
`baseline` reads and vets the earlier report; `stats` holds the divergence and the test;
`compare` builds the report's `drift` section and judges the drift metrics."""
