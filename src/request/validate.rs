//! Request validation: every check that a request is well formed and within the limits, each
//! failure naming the field and the limit.

use crate::analysis::text::OffsetUnit;
use crate::analysis::{Features, Options, language};
use crate::proto;

use super::error::ServiceError;

/// The limits a request is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_document_bytes: usize,
    pub max_batch_documents: usize,
}

/// What the analysis of one document needs, once checked.
#[derive(Debug, Clone)]
pub struct Checked {
    pub id: String,
    pub text: String,
    pub options: Options,
}

/// The options shared by all documents of a request.
#[derive(Debug, Clone, Copy)]
pub struct Shared {
    pub features: Features,
    pub offset_unit: OffsetUnit,
    pub skip_cache: bool,
}

pub fn shared(
    features: Option<&proto::Features>,
    offset_unit: i32,
    skip_cache: bool,
) -> Result<Shared, ServiceError> {
    let offset_unit = proto::offset_unit_from_proto(offset_unit).ok_or_else(|| {
        ServiceError::invalid(
            "offset_unit",
            format!(
                "unknown value {offset_unit}; use UTF8 (1), UTF16 (2) or CODE_POINT (3), or leave it unset for UTF-8"
            ),
        )
    })?;
    let features = features.map_or(Features::default(), |f| Features {
        entities: f.entities,
        quotes: f.quotes,
        language: f.language,
    });
    Ok(Shared {
        features,
        offset_unit,
        skip_cache,
    })
}

/// Checks one document; `field` is its path in the request ("document", "documents[3]").
pub fn document(
    document: Option<proto::Document>,
    field: &str,
    shared: &Shared,
    limits: &Limits,
) -> Result<Checked, ServiceError> {
    let document = document
        .ok_or_else(|| ServiceError::invalid(field, "is required: send a document with a text"))?;
    if document.text.trim().is_empty() {
        return Err(ServiceError::invalid(
            format!("{field}.text"),
            "is empty; send at least one non-blank character",
        ));
    }
    if document.text.len() > limits.max_document_bytes {
        return Err(ServiceError::invalid(
            format!("{field}.text"),
            format!(
                "is {} bytes; the limit is {} bytes (--max-document-bytes)",
                document.text.len(),
                limits.max_document_bytes
            ),
        ));
    }
    if document.language_hint.len() > 64 {
        return Err(ServiceError::invalid(
            format!("{field}.language_hint"),
            "is longer than 64 bytes; send one or a few language codes",
        ));
    }
    // The canonical form, so that "en" and "eng" share a cache entry.
    let language_hint = language::normalize_hint(&document.language_hint)
        .map_err(|error| ServiceError::from_analysis(error, field))?;
    Ok(Checked {
        id: document.id,
        text: document.text,
        options: Options {
            features: shared.features,
            language_hint,
        },
    })
}

pub fn batch_size(count: usize, limits: &Limits) -> Result<(), ServiceError> {
    if count == 0 {
        return Err(ServiceError::invalid(
            "documents",
            "is empty; send at least one document",
        ));
    }
    if count > limits.max_batch_documents {
        return Err(ServiceError::invalid(
            "documents",
            format!(
                "has {count} documents; the limit is {} (--max-batch-documents)",
                limits.max_batch_documents
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_document_bytes: 10,
        max_batch_documents: 2,
    };

    fn shared_default() -> Shared {
        shared(None, 0, false).expect("defaults are valid")
    }

    fn doc(text: &str) -> Option<proto::Document> {
        Some(proto::Document {
            id: "a".into(),
            text: text.into(),
            language_hint: String::new(),
        })
    }

    #[test]
    fn names_the_field_and_the_limit() {
        let error = document(
            doc("01234567890"),
            "documents[1]",
            &shared_default(),
            &LIMITS,
        )
        .expect_err("over the limit");
        assert_eq!(
            error.to_string(),
            "documents[1].text: is 11 bytes; the limit is 10 bytes (--max-document-bytes)"
        );
    }

    #[test]
    fn empty_and_missing_documents_are_refused() {
        assert!(document(doc("  \n"), "document", &shared_default(), &LIMITS).is_err());
        let error = document(None, "document", &shared_default(), &LIMITS).expect_err("missing");
        assert!(error.to_string().starts_with("document: is required"));
    }

    #[test]
    fn unknown_offset_unit_is_refused() {
        let error = shared(None, 9, false).expect_err("9 is no unit");
        assert!(
            error
                .to_string()
                .starts_with("offset_unit: unknown value 9")
        );
    }

    #[test]
    fn batch_limits() {
        assert!(batch_size(2, &LIMITS).is_ok());
        assert!(
            batch_size(3, &LIMITS)
                .expect_err("over")
                .to_string()
                .contains("limit is 2")
        );
        assert!(batch_size(0, &LIMITS).is_err());
    }
}
