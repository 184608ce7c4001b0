"""The student's side of grading: a separate process that runs the notebook's cells and answers probes."""
