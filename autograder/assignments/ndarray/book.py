"""ndarray (chapter 2): the notebook runs top to bottom; its memory lesson's identities are asserted by
tests/course/test_course_execute.py from the cells' own outputs."""
PROBE = "{}"
EXPECT = {}
TEST_DATA_LIMIT = 0
