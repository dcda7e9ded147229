//! The digits example against its FastAPI twin (`examples/digits`): the same
//! prediction for every image of the data set, the same 422s, and the
//! model's accuracy, printed.

use std::io::Write as _;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::examples::examples;
use crate::support::python::python;
use crate::support::{Server, refused_start, wasm, workspace};

/// The most a probability may differ between tract and onnxruntime (both
/// compute in f32, with operations in other orders).
const TOLERANCE: f64 = 1e-5;

/// The FastAPI twin under uvicorn, one worker.
fn twin() -> &'static Server {
    static TWIN: OnceLock<Server> = OnceLock::new();
    TWIN.get_or_init(|| {
        let mut command = Command::new(python());
        command
            .current_dir(workspace().join("examples/digits"))
            .args(["-m", "uvicorn", "fastapi_app:app"])
            .args(["--host", "127.0.0.1", "--port", "0"]);
        Server::start(command, "Uvicorn running on ")
            .unwrap_or_else(|log| panic!("the FastAPI twin did not start:\n{log}"))
    })
}

/// Every image of `load_digits` and its digit, as `train.py` wrote them.
fn data_set() -> Vec<(Vec<u8>, u8)> {
    let path = workspace().join("examples/digits/data/digits.csv");
    let text = std::fs::read_to_string(&path).expect("read the data set");
    text.lines()
        .map(|line| {
            let mut numbers: Vec<u8> = line
                .split(',')
                .map(|number| number.parse().expect("a number"))
                .collect();
            let digit = numbers.pop().expect("a digit");
            assert_eq!(numbers.len(), 64, "{line}");
            (numbers, digit)
        })
        .collect()
}

/// Prints past the test harness's capture, so that the figure shows in a
/// passing run's output.
fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[test]
fn every_image_gets_the_fastapi_twins_prediction() {
    let data = data_set();
    let (wafer, twin) = (examples(), twin());
    let mut correct = 0;
    for (index, (pixels, digit)) in data.iter().enumerate() {
        let body = json!({"pixels": pixels}).to_string();
        let ours = wafer.post_json("/digits/predict", &body);
        let theirs = twin.post_json("/digits/predict", &body);
        assert_eq!((ours.status, theirs.status), (200, 200), "image {index}");
        let (ours, theirs) = (ours.json(), theirs.json());
        assert_eq!(ours["digit"], theirs["digit"], "image {index}");
        let probabilities = |answer: &Value| -> Vec<f64> {
            answer["probabilities"]
                .as_array()
                .expect("probabilities")
                .iter()
                .map(|p| p.as_f64().expect("a number"))
                .collect()
        };
        let (ours_p, theirs_p) = (probabilities(&ours), probabilities(&theirs));
        assert_eq!(ours_p.len(), 10);
        for (a, b) in ours_p.iter().zip(&theirs_p) {
            assert!(
                (a - b).abs() < TOLERANCE,
                "image {index}: {ours_p:?} vs {theirs_p:?}"
            );
        }
        correct += usize::from(ours["digit"] == json!(digit));
    }
    let accuracy = correct as f64 / data.len() as f64;
    report(&format!(
        "digits: accuracy on the whole data set through HTTP: {accuracy:.4} ({correct} of {})",
        data.len()
    ));
    assert!(accuracy > 0.95, "accuracy {accuracy}");
}

#[test]
fn batches_get_the_fastapi_twins_predictions() {
    let data = data_set();
    let (wafer, twin) = (examples(), twin());
    let mut seen = Vec::new();
    for batch in data.chunks(256) {
        let images: Vec<&Vec<u8>> = batch.iter().map(|(pixels, _)| pixels).collect();
        let body = json!({"images": images}).to_string();
        let ours = wafer.post_json("/digits/predict/batch", &body);
        let theirs = twin.post_json("/digits/predict/batch", &body);
        assert_eq!((ours.status, theirs.status), (200, 200));
        assert_eq!(ours.json(), theirs.json());
        seen.extend(
            ours.json()["digits"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
    }
    assert_eq!(seen.len(), data.len());
}

#[test]
fn invalid_images_get_the_fastapi_twins_422() {
    let zeros = |n: usize| vec![json!(0); n];
    let with = |at: usize, value: Value| {
        let mut pixels = zeros(64);
        pixels[at] = value;
        Value::from(pixels)
    };
    let single = [
        json!({"pixels": [17, 0, 0, 0, 0, -1]}),
        json!({"pixels": with(3, json!(17))}),
        json!({"pixels": with(5, json!(-0.5))}),
        json!({"pixels": with(63, json!(16.5))}),
        json!({"pixels": with(0, json!("17"))}),
        json!({"pixels": with(1, json!("x"))}),
        json!({"pixels": with(2, Value::Null)}),
        json!({"pixels": with(2, json!([1]))}),
        json!({"pixels": zeros(3)}),
        json!({"pixels": zeros(65)}),
        json!({"pixels": []}),
        json!({"pixels": "abc"}),
        json!({"pixels": null}),
        json!({}),
        json!([]),
    ];
    let batch = [
        json!({"images": []}),
        json!({"images": vec![zeros(64); 257]}),
        json!({"images": [zeros(64), zeros(1)]}),
        json!({"images": [zeros(64), with(7, json!(99))]}),
        json!({"images": [[]]}),
        json!({"images": "none"}),
    ];
    let (wafer, twin) = (examples(), twin());
    let cases = single
        .iter()
        .map(|body| ("/digits/predict", body.to_string()))
        .chain(
            batch
                .iter()
                .map(|body| ("/digits/predict/batch", body.to_string())),
        )
        .chain([("/digits/predict", "{\"pixels\": [1,".to_owned())]);
    for (path, body) in cases {
        let ours = wafer.post_json(path, &body);
        let theirs = twin.post_json(path, &body);
        assert_eq!(ours.status, 422, "{path} {body}: {}", ours.body);
        assert_eq!(
            (ours.status, ours.json()),
            (theirs.status, theirs.json()),
            "{path} {body}"
        );
    }
}

#[test]
fn the_document_shows_the_shapes() {
    let document = examples().get("/openapi.json").json();
    let image = &document["components"]["schemas"]["Image"]["properties"]["pixels"];
    assert_eq!(
        *image,
        json!({
            "type": "array",
            "items": {"type": "number", "format": "float", "minimum": 0, "maximum": 16},
            "minItems": 64,
            "maxItems": 64,
            "description": "The 64 pixels of an 8×8 image, row by row: 0 is white, 16 black."
        })
    );
    let images = &document["components"]["schemas"]["Batch"]["properties"]["images"];
    assert_eq!(images["minItems"], 1);
    assert_eq!(images["maxItems"], 256);
    assert_eq!(images["items"]["minItems"], 64);
    assert_eq!(images["items"]["items"]["maximum"], 16);
}

#[test]
fn pre_initializing_a_component_without_the_export_is_refused() {
    let plain = wasm("plain");
    let dir = tempfile::tempdir().expect("temporary folder");
    let manifest = dir.path().join("wafer.toml");
    std::fs::write(
        &manifest,
        format!(
            "[[component]]\nname = \"plain\"\nroute = \"/plain\"\nsource = {:?}\npre_initialize = true\n",
            plain.display().to_string()
        ),
    )
    .expect("write manifest");
    let stderr = refused_start(manifest.to_str().expect("UTF-8 path"));
    assert!(
        stderr.contains("component \"plain\"")
            && stderr.contains("cannot pre-initialize it (pre_initialize = true)")
            && stderr.contains("does not export `wizer-initialize`"),
        "{stderr}"
    );
}
