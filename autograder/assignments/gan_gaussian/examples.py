"""gan_gaussian: example submissions — classic mistakes (each with the checks it must fail), other correct styles
(which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

UPDATE_D = '''\
def update_D(X, Z, net_D, net_G, loss, trainer_D):
    """One discriminator step: real X labelled 1, net_G(Z) labelled 0 (detached); returns the summed loss."""
    batch_size = X.shape[0]
    ones = nd.ones((batch_size,), ctx=X.context)
    zeros = nd.zeros((batch_size,), ctx=X.context)
    with autograd.record():
        real_Y = net_D(X)
        fake_X = net_G(Z)
        fake_Y = net_D({fake})
        loss_D = {loss_D}
    loss_D.backward()
    trainer_D.step(batch_size)
    return {result}
'''


def update_d(fake="fake_X.detach()", loss_D="(loss(real_Y, ones) + loss(fake_Y, zeros)) / 2",
             result="float(loss_D.sum().asscalar())"):
    return UPDATE_D.format(fake=fake, loss_D=loss_D, result=result)


UPDATE_G = '''\
def update_G(Z, net_D, net_G, loss, trainer_G):
    """One generator step: net_D(net_G(Z)) labelled 1; only net_G moves; returns the summed loss."""
    batch_size = Z.shape[0]
    labels = {labels}((batch_size,), ctx=Z.context)
    with autograd.record():
        fake_Y = net_D(net_G(Z))
        loss_G = loss(fake_Y, labels)
    loss_G.backward()
    {trainer}.step(batch_size)
    return {result}
'''


def update_g(labels="nd.ones", trainer="trainer_G", result="float(loss_G.sum().asscalar())"):
    return UPDATE_G.format(labels=labels, trainer=trainer, result=result)


EXAMPLES = (
    Example('update_D: no detach (backpropagates into the generator)', {'update_D': update_d(fake="fake_X")},
            fails=['update_D.generator_untouched']),
    Example('update_D: labels swapped (real 0, fake 1)', {'update_D': update_d(
        loss_D="(loss(real_Y, zeros) + loss(fake_Y, ones)) / 2")},
            fails=['update_D.discriminator_step', 'update_D.loss_value']),
    Example('update_D: the two losses added, not averaged', {'update_D': update_d(
        loss_D="loss(real_Y, ones) + loss(fake_Y, zeros)")},
            fails=['update_D.loss_value']),
    Example('update_D: returns the batch mean', {'update_D': update_d(result="float(loss_D.mean().asscalar())")},
            fails=['update_D.loss_value']),
    Example('update_D: returns an NDArray', {'update_D': update_d(result="loss_D.sum()")},
            fails=['update_D.loss_value']),
    Example('update_G: generated data labelled 0', {'update_G': update_g(labels="nd.zeros")},
            fails=['update_G.generator_step', 'update_G.loss_value']),
    Example('update_G: steps trainer_D (a global) instead of trainer_G', {'update_G': update_g(trainer="trainer_D")},
            fails=['update_G.generator_step', 'update_G.discriminator_untouched']),
    Example('update_G: returns the batch mean', {'update_G': update_g(result="float(loss_G.mean().asscalar())")},
            fails=['update_G.loss_value']),
    Example('another correct update_D (one pass over real and fake, mean loss, step(1))', {'update_D': '''\
def update_D(X, Z, net_D, net_G, loss, trainer_D):
    n = X.shape[0]
    both = nd.concat(X, net_G(Z), dim=0)             # net_G(Z) outside record(): no graph to the generator
    labels = nd.concat(nd.ones((n,)), nd.zeros((n,)), dim=0)
    with autograd.record():
        l = loss(net_D(both), labels).mean()         # the mean of 2n terms = the book's loss_D averaged
    l.backward()
    trainer_D.step(1)
    return l.asscalar() * n
'''}),
    Example('another correct update_G (numpy scalar back)', {'update_G': '''\
def update_G(Z, net_D, net_G, loss, trainer_G):
    with autograd.record():
        loss_G = loss(net_D(net_G(Z)), nd.ones_like(Z[:, 0]))
    loss_G.backward()
    trainer_G.step(Z.shape[0])
    return loss_G.sum().asscalar()
'''}),
    Example('bug (the demo): update_D without detach', {'update_D': update_d(fake="fake_X")},
            fails=['update_D.generator_untouched', 'outcome.hidden_gaussian'], whole=True, student='example-bug'),
    Example('crash (the demo): update_G', {'update_G': '''\
def update_G(Z, net_D, net_G, loss, trainer_G):
    """One generator step: net_D(net_G(Z)) labelled 1; only net_G moves; returns the summed loss."""
    batch_size = Z.shape[0]
    with autograd.record():
        loss_G = loss(net_D(net_G(Z)), nd.ones((batch_size,), ctx=Z.context))
    loss_G.backward()
    trainer_G.step(batch_size)
    return loss_G.sum().item()          # PyTorch's spelling: an NDArray has no item()
'''},
            fails=['update_G.generator_step', 'update_G.discriminator_untouched', 'update_G.loss_value',
                   'outcome.hidden_gaussian'], whole=True, student='example-crash'),
)
