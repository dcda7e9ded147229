use super::*;

fn headers(content_type: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, content_type.parse().expect("header value"));
    headers
}

fn urlencoded(body: &[u8]) -> ParamSet {
    read(&headers("application/x-www-form-urlencoded"), body)
        .expect("a urlencoded body always reads")
        .fields
}

#[test]
fn form_content_types() {
    assert_eq!(
        FormKind::of(&headers("application/x-www-form-urlencoded")),
        Some(FormKind::UrlEncoded)
    );
    assert_eq!(
        FormKind::of(&headers("Application/X-WWW-Form-URLEncoded; charset=utf-8")),
        Some(FormKind::UrlEncoded)
    );
    assert_eq!(
        FormKind::of(&headers("multipart/form-data; boundary=xy")),
        Some(FormKind::Multipart(Some("xy".to_owned())))
    );
    assert_eq!(
        FormKind::of(&headers("multipart/form-data")),
        Some(FormKind::Multipart(None))
    );
    assert_eq!(FormKind::of(&headers("application/json")), None);
    assert_eq!(FormKind::of(&HeaderMap::new()), None);
}

#[test]
fn another_content_type_is_a_form_without_fields() {
    let form = read(&headers("text/plain"), b"a=1").expect("no form");
    assert_eq!(form.fields.get("a"), None);
    let fields = urlencoded(b"a=1&b=x+y&a=%41");
    assert_eq!(fields.get("a"), Some(&["1".to_owned(), "A".to_owned()][..]));
    assert_eq!(fields.get("b"), Some(&["x y".to_owned()][..]));
}

#[test]
fn a_field_whose_last_value_is_empty_is_not_sent() {
    let fields = urlencoded(b"a=&b=x&b=&c=&c=y&d");
    assert_eq!(fields.get("a"), None);
    assert_eq!(fields.get("b"), None);
    assert_eq!(fields.get("c"), Some(&[String::new(), "y".to_owned()][..]));
    assert_eq!(fields.get("d"), None);
}

fn multipart(body: &str) -> Result<FormData, HttpError> {
    read(
        &headers("multipart/form-data; boundary=XyZ"),
        body.as_bytes(),
    )
}

#[test]
fn multipart_fields_and_files() {
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n\
        --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
        Content-Type: text/plain\r\n\r\nhello\r\n\
        --XyZ\r\nContent-Disposition: form-data; name=\"none\"; filename=\"\"\r\n\r\n\r\n\
        --XyZ--\r\n";
    let form = multipart(body).expect("a valid multipart body");
    assert_eq!(form.fields.get("note"), Some(&["hi".to_owned()][..]));
    assert_eq!(form.fields.get("none"), None);
    assert_eq!(
        form.files,
        [(
            "file".to_owned(),
            FilePart {
                filename: "a.txt".to_owned(),
                content_type: Some("text/plain".to_owned()),
                bytes: b"hello".to_vec(),
            }
        )]
    );
}

#[test]
fn broken_multipart_bodies() {
    let status = |result: Result<FormData, HttpError>| result.err().map(|e| e.status().as_u16());
    assert_eq!(status(multipart("garbage")), Some(400));
    let missing = read(&headers("multipart/form-data"), b"--XyZ--\r\n");
    assert_eq!(status(missing), Some(400));
    // Cut short: the parts that were complete are kept.
    let cut = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
        --XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\nunterminated";
    let form = multipart(cut).expect("a truncated body reads as far as it goes");
    assert_eq!(form.fields.get("a"), Some(&["1".to_owned()][..]));
    assert_eq!(form.fields.get("b"), None);
}

#[test]
fn hostile_multipart_bodies() {
    let status = |result: Result<FormData, HttpError>| result.err().map(|e| e.status().as_u16());
    // Broken part headers and nameless parts are refused, as FastAPI does.
    let broken = "--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--\r\n";
    assert_eq!(status(multipart(broken)), Some(400));
    let nameless = "--XyZ\r\nContent-Type: text/plain\r\n\r\nnameless\r\n--XyZ--\r\n";
    assert_eq!(status(multipart(nameless)), Some(400));
    // The boundary's prefix inside content is content.
    let prefix = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--Xy not the end\r\n\
        --XyZ--\r\n";
    let form = multipart(prefix).expect("a valid body");
    assert_eq!(
        form.fields.get("a"),
        Some(&["--Xy not the end".to_owned()][..])
    );
    // Very many parts read in linear time.
    let many: String = (0..10_000)
        .map(|i| format!("--XyZ\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv\r\n"))
        .chain(["--XyZ--\r\n".to_owned()])
        .collect();
    let form = multipart(&many).expect("many parts");
    assert_eq!(form.fields.len(), 10_000);
}
