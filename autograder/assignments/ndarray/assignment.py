"""ndarray (chapter 2): creating NDArrays, norms, autograd, and the book's in-place memory lesson."""
ID = "ndarray"
STUBS = ("arange_matrix", "l2_norm", "l1_norm", "grad_f", "add_inplace", "add_into")
OUTCOME = False
VARIABLES = ()
SIGNATURES = {"arange_matrix": ("rows", "cols"), "l2_norm": ("x",), "l1_norm": ("x",), "grad_f": ("x",),
              "add_inplace": ("X", "Y"), "add_into": ("X", "Y", "Z")}
