"""nbgrader configuration for the d2l course (this directory is the course root).

Run nbgrader from here:

    cd course
    nbgrader generate_assignment linreg_scratch --force  # source/ -> release/ (and the gradebook)
    nbgrader autograde linreg_scratch                  # submitted/<student>/... -> autograded/
    nbgrader autograde linreg_scratch --CourseDirectory.submitted_directory=examples/submitted

The notebooks ask for the kernel `d2l` ("Python 3 (d2l)", installed by `d2l-kernel`). Where that
kernelspec is not installed, grading runs the notebooks on the `python3` kernel of this environment
instead: their first cell loads the course extension itself, so the result is the same.
"""
import os

from jupyter_client.kernelspec import KernelSpecManager

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))
COURSE_KERNEL = "d2l"        # the kernelspec name in every notebook's metadata
FALLBACK_KERNEL = "python3"  # ipykernel's own spec for this interpreter

c.CourseDirectory.root = COURSE_ROOT
c.CourseDirectory.course_id = "d2l"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(COURSE_ROOT, "gradebook.db")

# The exchange (release_assignment, fetch, submit, collect, release_feedback). nbgrader's default,
# /usr/local/share/nbgrader/exchange, needs root to create; a folder of the course root does not.
# Students on other accounts of the same machine need to reach it: point it at a folder every
# account can enter (e.g. `mkdir -m 777 /srv/nbgrader-exchange`) here and in their own
# nbgrader_config.py (`c.Exchange.root`), as nbgrader's docs describe for the default.
c.Exchange.root = os.path.join(COURSE_ROOT, "exchange")

# Per-cell limit. The longest cells are softmax_scratch's five epochs of training and its hidden
# checks, which retrain the student's functions: a few minutes on a laptop CPU.
c.Execute.timeout = 900
c.Execute.startup_timeout = 120   # importing MXNet in a fresh kernel is slow on a busy machine
# nbgrader raises when a cell's last output arrives more than iopub_timeout after its reply (nbclient's
# default: 4 s). On a busy machine a training cell's final prints can lag that much, and autograde then
# drops the whole submission (seen: resnet's training cell, under load ~10 on 2 cores).
c.Execute.iopub_timeout = 60

# nbgrader's Execute is nbclient's NotebookClient: an empty kernel_name means "the kernelspec in the
# notebook's metadata", which fails with NoSuchKernel where `d2l` is not installed. Name a kernel
# that exists instead.
if COURSE_KERNEL not in KernelSpecManager().find_kernel_specs():
    c.Execute.kernel_name = FALLBACK_KERNEL
