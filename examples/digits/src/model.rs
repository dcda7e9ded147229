//! The ONNX model, embedded in the component and run by tract.

use tract_onnx::prelude::*;
use wafer::HttpError;

/// The model `train.py` wrote.
static ONNX: &[u8] = include_bytes!("../model/digits.onnx");

/// The pixels of one image.
const PIXELS: usize = 64;
/// The classes: the digits 0 to 9.
const CLASSES: usize = 10;

/// The model, parsed and optimised for any batch size, ready to run.
pub struct Classifier {
    plan: std::sync::Arc<TypedRunnableModel>,
}

impl Classifier {
    /// Parses and optimises the embedded model.
    ///
    /// # Panics
    ///
    /// If the embedded model does not load, which the tests would have
    /// caught: the file is part of the component.
    pub fn load() -> Classifier {
        #[allow(clippy::expect_used)]
        let plan = tract_onnx::onnx()
            .model_for_read(&mut &ONNX[..])
            .and_then(|model| {
                // Any number of images: the batch is a symbol, so the plan
                // is optimised once for every batch size.
                let batch = model.symbols.sym("N");
                model.with_input_fact(0, f32::fact([TDim::from(batch), TDim::from(PIXELS)]).into())
            })
            .and_then(|model| model.into_optimized())
            .and_then(|model| model.into_runnable())
            .expect("the embedded model loads");
        Classifier { plan }
    }

    /// Classifies `count` images of 64 pixels each, laid end to end in
    /// `pixels`: each image's most likely digit and the probability of every
    /// digit.
    pub fn classify(&self, pixels: &[f32], count: usize) -> Result<Vec<(u8, Vec<f32>)>, HttpError> {
        let input = tract_ndarray::Array2::from_shape_vec((count, PIXELS), pixels.to_vec())
            .map_err(|error| failed("the images do not fit", error))?;
        let outputs = self
            .plan
            .run(tvec!(Tensor::from(input).into()))
            .map_err(|error| failed("the model failed", error))?;
        let (Some(labels), Some(probabilities)) = (outputs.first(), outputs.get(1)) else {
            return Err(no_output());
        };
        // tract may keep the labels as symbolic integers (they come from a
        // constant table): cast them to plain ones.
        let labels = labels
            .cast_to::<i64>()
            .map_err(|error| failed("unexpected labels", error))?;
        let labels = labels
            .to_plain_array_view::<i64>()
            .map_err(|error| failed("unexpected labels", error))?;
        let probabilities = probabilities
            .to_plain_array_view::<f32>()
            .map_err(|error| failed("unexpected probabilities", error))?;
        let probabilities: Vec<f32> = probabilities.iter().copied().collect();
        Ok(labels
            .iter()
            .zip(probabilities.chunks(CLASSES))
            .map(|(label, probabilities)| (*label as u8, probabilities.to_vec()))
            .collect())
    }
}

/// The model answered without the outputs it has.
pub(crate) fn no_output() -> HttpError {
    failed("the model's outputs", "missing")
}

/// A 500 for a failure of the model, logged: its details are the
/// operator's, not the client's.
fn failed(what: &str, error: impl std::fmt::Display) -> HttpError {
    // Standard error is the log every wasi:http host collects.
    eprintln!("digits: {what}: {error}");
    HttpError::from_status(wafer::http::StatusCode::INTERNAL_SERVER_ERROR)
}
