"""The performance benchmark behind `python -m lessons bench`: each figure measured against a floor in the same run.

core: statistics, targets, the table and the JSON report; session: the isolated environment of one run;
processes: nbval validation and grading; kernels: kernel start-up and memory; widgets: quiz checks and
redraws in-process; browser: click-to-feedback in JupyterLab and Chromium; hub: a real JupyterHub with
learners driving their servers; classroom: N learners on that hub at once.
"""
