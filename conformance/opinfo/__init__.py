"""torch's own samples as conformance cases (DESIGN contract 4): OpInfo (`op_db`) rows of kind=opinfo and
ModuleInfo (`module_db`) rows of kind=moduleinfo. See op_cases.py and module_cases.py; known.py declares the
divergences found so far."""
