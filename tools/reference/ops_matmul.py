"""Golden vectors for dev.lathe.engine.op.MatMul: matmul (2-D, batched, broadcast, transposed
inputs) and linear (with and without bias), forward and gradients.

Each case saves the inputs, the output, a fixed upstream gradient `dout` and the input gradients
torch autograd gives for it (loss = (out * dout).sum()). For transposed inputs the case saves the
stored tensor (`a_stored`, shape (..., K, M)) and sets params a_transposed = true: the Java test
builds the operand as a transposed view of it, and the gradient saved is with respect to the view.

Run: /usr/bin/python3 tools/reference/ops_matmul.py  -> lathe-engine/src/test/resources/golden/matmul.json
"""
import torch

from golden import case, randn, save, seeded

torch.set_num_threads(1)


def grads(out_fn, *inputs, g):
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    out = out_fn(*leaves)
    dout = randn(g, *out.shape)
    (out * dout).sum().backward()
    return out, dout, [t.grad for t in leaves]


def matmul_case(name, g, a_shape, b_shape, a_transposed=False, b_transposed=False):
    # Stored tensors: transposed operands are stored with the last two dims swapped.
    def stored(shape, transposed):
        s = list(shape)
        if transposed:
            s[-1], s[-2] = s[-2], s[-1]
        return randn(g, *s)

    a_st = stored(a_shape, a_transposed)
    b_st = stored(b_shape, b_transposed)
    a = a_st.transpose(-1, -2) if a_transposed else a_st
    b = b_st.transpose(-1, -2) if b_transposed else b_st
    out, dout, (da, db) = grads(torch.matmul, a, b, g=g)
    return case(name, {"op": "matmul", "a_transposed": a_transposed, "b_transposed": b_transposed},
                a_stored=a_st, b_stored=b_st, out=out, dout=dout, da=da, db=db)


def linear_case(name, g, x_shape, n, bias):
    k = x_shape[-1]
    x = randn(g, *x_shape)
    w = randn(g, n, k)
    if bias:
        b = randn(g, n)
        out, dout, (dx, dw, db) = grads(torch.nn.functional.linear, x, w, b, g=g)
        return case(name, {"op": "linear", "bias": True}, x=x, weight=w, bias=b, out=out, dout=dout,
                    dx=dx, dweight=dw, dbias=db)
    out, dout, (dx, dw) = grads(torch.nn.functional.linear, x, w, g=g)
    return case(name, {"op": "linear", "bias": False}, x=x, weight=w, out=out, dout=dout, dx=dx, dweight=dw)


def main():
    g = seeded(1234)
    cases = [
        matmul_case("matmul 2-D (5,7)x(7,3)", g, (5, 7), (7, 3)),
        matmul_case("matmul 2-D tails (9,33)x(33,35)", g, (9, 33), (33, 35)),
        matmul_case("matmul row vector (1,13)x(13,6)", g, (1, 13), (13, 6)),
        matmul_case("matmul column result (6,13)x(13,1)", g, (6, 13), (13, 1)),
        matmul_case("matmul batched (2,4,6)x(2,6,5)", g, (2, 4, 6), (2, 6, 5)),
        matmul_case("matmul (B,T,C)x(C,N) (2,3,8)x(8,4)", g, (2, 3, 8), (8, 4)),
        matmul_case("matmul broadcast batch (2,1,3,4)x(3,4,5)", g, (2, 1, 3, 4), (3, 4, 5)),
        matmul_case("matmul 2-D x batched (3,4)x(2,4,5)", g, (3, 4), (2, 4, 5)),
        matmul_case("matmul transposed a (5,7)^T-stored", g, (5, 7), (7, 3), a_transposed=True),
        matmul_case("matmul transposed b", g, (5, 7), (7, 3), b_transposed=True),
        matmul_case("matmul both transposed batched", g, (2, 4, 6), (2, 6, 5), a_transposed=True,
                    b_transposed=True),
        matmul_case("matmul attention-like (2,2,3,4)x(2,2,4,3)^T-stored", g, (2, 2, 3, 4), (2, 2, 4, 3),
                    b_transposed=True),
        linear_case("linear with bias (2,3,8)->6", g, (2, 3, 8), 6, True),
        linear_case("linear without bias (4,8)->5", g, (4, 8), 5, False),
        linear_case("linear with bias tails (7,19)->11", g, (7, 19), 11, True),
    ]
    save("matmul.json", cases, "tools/reference/ops_matmul.py")


if __name__ == "__main__":
    main()
