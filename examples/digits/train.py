"""Trains the digits model and writes it as ONNX to model/digits.onnx, and
the data set it was trained on to data/digits.csv (each line an image's 64
pixels, then its digit) for the tests, which run every image through both
the component and its FastAPI twin.

    python3 -m pip install scikit-learn==1.9.1 skl2onnx==1.20.0 onnx==1.23.2
    python3 examples/digits/train.py

scikit-learn's bundled `load_digits` data set (1,797 images of 8×8 pixels,
each 0..16, in 10 classes), a small multi-layer perceptron with a fixed seed,
so the same versions write the same file. The ONNX graph has standard
operators (MatMul, Add, Relu, Softmax, ArgMax, and ArrayFeatureExtractor
from ONNX-ML for the labels), which both tract in the component and
onnxruntime in the FastAPI twin run; scikit-learn's ZipMap output is turned
off, so the probabilities are a plain [N, 10] tensor.
"""

import os

import numpy as np
from skl2onnx import to_onnx
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 0


def main():
    digits = load_digits()
    pixels = digits.data.astype(np.float32)
    train_x, test_x, train_y, test_y = train_test_split(
        pixels, digits.target, test_size=0.25, random_state=SEED, stratify=digits.target)
    model = MLPClassifier(hidden_layer_sizes=(64,), max_iter=500, random_state=SEED)
    model.fit(train_x, train_y)
    print(f"held-out accuracy: {model.score(test_x, test_y):.4f}")
    print(f"whole data set:    {model.score(pixels, digits.target):.4f}")

    onnx = to_onnx(model, pixels[:1], options={"zipmap": False},
                   target_opset={"": 13, "ai.onnx.ml": 3})
    onnx.doc_string = "load_digits MLP (64 hidden units), trained by examples/digits/train.py"
    out = os.path.join(HERE, "model", "digits.onnx")
    with open(out, "wb") as f:
        f.write(onnx.SerializeToString())
    print(f"wrote {out}: {os.path.getsize(out)} bytes,",
          "operators:", sorted({node.op_type for node in onnx.graph.node}))

    data = os.path.join(HERE, "data", "digits.csv")
    os.makedirs(os.path.dirname(data), exist_ok=True)
    with open(data, "w") as f:
        for image, digit in zip(digits.data.astype(int), digits.target):
            f.write(",".join(map(str, [*image, digit])) + "\n")
    print(f"wrote {data}: {len(digits.target)} images")


if __name__ == "__main__":
    main()
