//! The one mapping from a [`ServiceError`] to a gRPC status, with `google.rpc.BadRequest`
//! details for invalid arguments.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use super::ServiceError;

impl From<ServiceError> for Status {
    fn from(error: ServiceError) -> Self {
        match &error {
            ServiceError::InvalidArgument { field, message } => {
                let details =
                    ErrorDetails::with_bad_request_violation(field.clone(), message.clone());
                Status::with_error_details(Code::InvalidArgument, error.to_string(), details)
            }
            _ => Status::new(error.code(), error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_argument_carries_bad_request_details() {
        let status = Status::from(ServiceError::invalid(
            "document.text",
            "is 10 bytes; the limit is 5",
        ));
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(
            status.message(),
            "document.text: is 10 bytes; the limit is 5"
        );
        let details = status
            .get_details_bad_request()
            .expect("bad request details attached");
        assert_eq!(details.field_violations[0].field, "document.text");
    }

    #[test]
    fn overload_is_resource_exhausted() {
        let status = Status::from(ServiceError::Overloaded("1024 documents in flight".into()));
        assert_eq!(status.code(), Code::ResourceExhausted);
    }
}
