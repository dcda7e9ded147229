//! A scikit-learn model served from a component: handwritten digits (8×8
//! images from scikit-learn's `load_digits`) classified by a small neural
//! network, exported to ONNX by `train.py` and run here by tract.
//!
//! ```text
//! $ curl -X POST localhost:8080/digits/predict -H 'content-type: application/json' \
//!     -d '{"pixels": [0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,0,9,8,0,0,4,11,0,1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0]}'
//! {"digit":0,"probabilities":[0.9999..., ...]}
//! ```
//!
//! The model is parsed and optimised once per instance, when the app is
//! built; with `pre_initialize = true` in the host's manifest, once at load
//! time for all instances (see the README).

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wafer::{App, HttpError, Json, State, post};

mod model;

pub use model::Classifier;

/// One image.
#[wafer::model]
#[derive(Deserialize)]
pub struct Image {
    /// The 64 pixels of an 8×8 image, row by row: 0 is white, 16 black.
    #[field(min_length = 64, max_length = 64, items(ge = 0, le = 16))]
    pub pixels: Vec<f32>,
}

/// Up to 256 images, classified in one run of the model.
#[wafer::model]
#[derive(Deserialize)]
pub struct Batch {
    /// The images, each 64 pixels as in `Image`.
    #[field(
        min_length = 1,
        max_length = 256,
        items(min_length = 64, max_length = 64, items(ge = 0, le = 16))
    )]
    pub images: Vec<Vec<f32>>,
}

/// What the model sees in one image.
#[wafer::model]
#[derive(Serialize)]
pub struct Prediction {
    /// The most likely digit.
    pub digit: u8,
    /// The probability of each digit, 0 to 9.
    pub probabilities: Vec<f32>,
}

/// The digits the model sees in a batch, in the batch's order.
#[wafer::model]
#[derive(Serialize)]
pub struct Predictions {
    /// The most likely digit of each image.
    pub digits: Vec<u8>,
}

/// Classify one image.
#[post("/digits/predict", tags = ["digits"])]
fn predict(
    Json(image): Json<Image>,
    State(model): State<Rc<Classifier>>,
) -> Result<Json<Prediction>, HttpError> {
    let mut outputs = model.classify(&image.pixels, 1)?;
    let (digit, probabilities) = outputs.pop().ok_or_else(model::no_output)?;
    Ok(Json(Prediction {
        digit,
        probabilities,
    }))
}

/// Classify a batch of images.
#[post("/digits/predict/batch", tags = ["digits"])]
fn predict_batch(
    Json(batch): Json<Batch>,
    State(model): State<Rc<Classifier>>,
) -> Result<Json<Predictions>, HttpError> {
    let pixels: Vec<f32> = batch.images.concat();
    let outputs = model.classify(&pixels, batch.images.len())?;
    Ok(Json(Predictions {
        digits: outputs.into_iter().map(|(digit, _)| digit).collect(),
    }))
}

/// The app this component serves, with the model loaded.
pub fn app() -> App {
    App::new()
        .title("Digits")
        .version("0.1.0")
        .description("Handwritten digits classified by a scikit-learn model, run by tract.")
        .state(Rc::new(Classifier::load()))
        .routes(wafer::routes![predict, predict_batch])
}

wafer::export!(app());

#[cfg(test)]
mod tests;
