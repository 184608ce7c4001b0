"""gan_gaussian (d2l-en "Generative Adversarial Networks", MXNet): a GAN that learns a 2-D Gaussian; the student writes
the discriminator's and the generator's update steps."""
ID = "gan_gaussian"
STUBS = ("update_D", "update_G")
OUTCOME = True
VARIABLES = ()
SIGNATURES = {"update_D": ("X", "Z", "net_D", "net_G", "loss", "trainer_D"),
              "update_G": ("Z", "net_D", "net_G", "loss", "trainer_G")}
DATA_LIMIT = 64           # 20 epochs of 1000 points in batches of 8 take minutes on a shared CPU; nothing is graded
                          # from the notebook's own training (the outcome trains on a hidden Gaussian)
