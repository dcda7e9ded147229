"""The FastAPI twin of the digits example: the same routes, the same
validation and the same `model/digits.onnx`, run by onnxruntime, as a
FastAPI user would serve it.

    python3 -m pip install fastapi uvicorn onnxruntime numpy
    PYTHONPATH=examples/digits uvicorn fastapi_app:app --workers 2
"""

import os
from typing import Annotated

import numpy as np
import onnxruntime
from fastapi import FastAPI
from pydantic import BaseModel, Field

MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model", "digits.onnx")

# One session per worker, made at start-up, one thread each: the workers
# are the parallelism, as with uvicorn's usual set-up.
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
session = onnxruntime.InferenceSession(MODEL, options, providers=["CPUExecutionProvider"])

Pixel = Annotated[float, Field(ge=0, le=16)]
Pixels = Annotated[list[Pixel], Field(min_length=64, max_length=64)]


class Image(BaseModel):
    """One image."""

    pixels: Pixels


class Batch(BaseModel):
    """Up to 256 images, classified in one run of the model."""

    images: Annotated[list[Pixels], Field(min_length=1, max_length=256)]


class Prediction(BaseModel):
    """What the model sees in one image."""

    digit: int
    probabilities: list[float]


class Predictions(BaseModel):
    """The digits the model sees in a batch, in the batch's order."""

    digits: list[int]


app = FastAPI(title="Digits", version="0.1.0")


def classify(images):
    labels, probabilities = session.run(None, {"X": np.asarray(images, dtype=np.float32)})
    return labels, probabilities


@app.post("/digits/predict", tags=["digits"])
def predict(image: Image) -> Prediction:
    """Classify one image."""
    labels, probabilities = classify([image.pixels])
    return Prediction(digit=int(labels[0]), probabilities=probabilities[0].tolist())


@app.post("/digits/predict/batch", tags=["digits"])
def predict_batch(batch: Batch) -> Predictions:
    """Classify a batch of images."""
    labels, _ = classify(batch.images)
    return Predictions(digits=[int(label) for label in labels])
