"""Runtime helpers every stage uses: data classes (``records``), work budgets of a run (``budgets``),
parallel runs (``work``, ``parallel``) and the collector pause (``gc_pause``)."""
