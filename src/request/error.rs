//! Everything that can go wrong with a request to analyse a document, with its status code (the
//! gRPC code, which the API's per-document `Error` carries too, whatever the transport). The
//! gRPC layer turns it into a `tonic::Status` in one place (`grpc::status`).

use tonic::Code;

use crate::analysis::AnalysisError;
use crate::proto;

/// Why a document (or a whole request) was not analysed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// A field of the request is missing, malformed or over a limit.
    #[error("{field}: {message}")]
    InvalidArgument { field: String, message: String },
    /// The server is at its limit of in-flight work.
    #[error("server overloaded: {0}")]
    Overloaded(String),
    /// The analysis of this document panicked; the server carries on.
    #[error("internal error while analysing the document: {0}")]
    Internal(String),
    /// The client went away or its deadline passed.
    #[error("request cancelled")]
    Cancelled,
    /// The server is shutting down.
    #[error("server shutting down")]
    Unavailable,
}

impl ServiceError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ServiceError::InvalidArgument {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn code(&self) -> Code {
        match self {
            ServiceError::InvalidArgument { .. } => Code::InvalidArgument,
            ServiceError::Overloaded(_) => Code::ResourceExhausted,
            ServiceError::Internal(_) => Code::Internal,
            ServiceError::Cancelled => Code::Cancelled,
            ServiceError::Unavailable => Code::Unavailable,
        }
    }

    /// The error of a core failure, naming the request field it concerns.
    pub fn from_analysis(error: AnalysisError, document_field: &str) -> Self {
        match &error {
            AnalysisError::EmptyText => {
                ServiceError::invalid(format!("{document_field}.text"), error.to_string())
            }
            AnalysisError::UnknownLanguageHint(_) => {
                ServiceError::invalid(format!("{document_field}.language_hint"), error.to_string())
            }
        }
    }

    /// The per-document error of a batch or stream result.
    pub fn to_proto(&self) -> proto::Error {
        proto::Error {
            code: self.code() as i32,
            message: self.to_string(),
            field: match self {
                ServiceError::InvalidArgument { field, .. } => field.clone(),
                _ => String::new(),
            },
        }
    }
}
