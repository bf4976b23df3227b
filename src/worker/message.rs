//! A document as it arrives on the queue, and what goes back out.
//!
//! A document message is an `AnalyzeRequest`: its protobuf encoding when the `Content-Type`
//! header says `application/protobuf` (what `docsift enqueue` publishes), or its canonical
//! protobuf JSON (as grpcurl takes it: `{"document": {"id": "a", "text": "…"}}`) when the
//! header says `application/json` or is absent, so that any NATS client, or `nats pub`, can
//! send one by hand.

use async_nats::HeaderMap;
use prost::Message as _;

use super::queue::{CONTENT_TYPE, JSON, PROTOBUF};
use crate::proto;
use crate::request::ServiceError;

/// Reads an `AnalyzeRequest` from a message's payload, by its `Content-Type`.
pub fn decode_request(
    headers: Option<&HeaderMap>,
    payload: &[u8],
) -> Result<proto::AnalyzeRequest, ServiceError> {
    let content_type = headers
        .and_then(|h| h.get(CONTENT_TYPE))
        .map(|v| v.as_str().trim().to_ascii_lowercase());
    match content_type.as_deref() {
        Some(PROTOBUF | "application/x-protobuf") => proto::AnalyzeRequest::decode(payload)
            .map_err(|error| {
                ServiceError::invalid(
                    "message",
                    format!("is not an AnalyzeRequest in protobuf ({error})"),
                )
            }),
        None | Some(JSON) => serde_json::from_slice(payload).map_err(|error| {
            ServiceError::invalid(
                "message",
                format!("is not an AnalyzeRequest in JSON ({error})"),
            )
        }),
        Some(other) => Err(ServiceError::invalid(
            CONTENT_TYPE,
            format!("{other:?} is not {PROTOBUF:?} or {JSON:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, content_type);
        headers
    }

    #[test]
    fn json_without_a_header_and_protobuf_with_one() {
        let json = br#"{"document": {"id": "a", "text": "Hi."}, "offsetUnit": "CODE_POINT"}"#;
        let request = decode_request(None, json).expect("valid JSON");
        let document = request.document.clone().expect("a document");
        assert_eq!((document.id.as_str(), document.text.as_str()), ("a", "Hi."));
        assert_eq!(request.offset_unit, proto::OffsetUnit::CodePoint as i32);
        let encoded = request.encode_to_vec();
        let decoded =
            decode_request(Some(&headers("application/protobuf")), &encoded).expect("protobuf");
        assert_eq!(decoded, request);
    }

    #[test]
    fn malformed_messages_name_what_is_wrong() {
        let error = decode_request(None, b"{not json").expect_err("malformed");
        assert!(
            error
                .to_string()
                .starts_with("message: is not an AnalyzeRequest in JSON"),
            "{error}"
        );
        let error = decode_request(Some(&headers("text/plain")), b"x").expect_err("unknown type");
        assert!(
            error
                .to_string()
                .starts_with("Content-Type: \"text/plain\""),
            "{error}"
        );
        let error = decode_request(Some(&headers(PROTOBUF)), &[0xff, 0xff]).expect_err("garbage");
        assert!(error.to_string().contains("in protobuf"), "{error}");
    }
}
