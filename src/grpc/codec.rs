//! The protobuf codec of the Analyzer: prost's, except that a request the server cannot decode
//! (a truncated message, invalid UTF-8 in a string field) is INVALID_ARGUMENT, not INTERNAL.
//!
//! gRPC's status-code guide, grpc-go and grpc-java answer INTERNAL there, and so does tonic's
//! codec. But INTERNAL is the code that alerts page an operator on, and the server itself is not
//! at fault: the bytes it was sent are. A client library that sends broken messages should see
//! it as its own error, one it must not retry, and a fleet's INTERNAL rate should count only the
//! server's own faults. Only the decoding of the messages that clients send changes: a response
//! the client cannot decode stays INTERNAL on the client's side.

use std::marker::PhantomData;

use prost::Message;
use tonic::codec::{BufferSettings, DecodeBuf, Decoder};
use tonic::{Code, Status};
use tonic_prost::{ProstDecoder, ProstEncoder};

use crate::proto;

/// A message of the Analyzer's methods, and which side sends it.
pub trait WireMessage: Message + Default + Send + 'static {
    /// The message's protobuf name, for error messages.
    const NAME: &'static str;
    /// Whether clients send it (so a failure to decode it is the client's fault).
    const SENT_BY_CLIENT: bool;
}

macro_rules! wire_messages {
    ($($message:ident: $by_client:expr),* $(,)?) => {$(
        impl WireMessage for proto::$message {
            const NAME: &'static str = concat!("docsift.v1.", stringify!($message));
            const SENT_BY_CLIENT: bool = $by_client;
        }
    )*};
}

wire_messages! {
    AnalyzeRequest: true,
    AnalyzeBatchRequest: true,
    GetInfoRequest: true,
    AnalyzeResponse: false,
    AnalyzeBatchResponse: false,
    AnalyzeStreamResponse: false,
    GetInfoResponse: false,
}

/// The codec the generated Analyzer server and client use (see `build.rs`).
#[derive(Debug, Clone)]
pub struct Codec<T, U>(PhantomData<(T, U)>);

impl<T, U> Default for Codec<T, U> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<T, U> tonic::codec::Codec for Codec<T, U>
where
    T: Message + Send + 'static,
    U: WireMessage,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = MessageDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::default()
    }

    fn decoder(&mut self) -> Self::Decoder {
        MessageDecoder(ProstDecoder::default())
    }
}

/// prost's decoder, with the status of a malformed client message changed.
#[derive(Debug, Clone)]
pub struct MessageDecoder<U>(ProstDecoder<U>);

impl<U: WireMessage> Decoder for MessageDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        self.0.decode(buf).map_err(|status| {
            if U::SENT_BY_CLIENT && status.code() == Code::Internal {
                Status::invalid_argument(format!(
                    "request: not a valid {} message: {}",
                    U::NAME,
                    status.message()
                ))
            } else {
                status
            }
        })
    }

    fn buffer_settings(&self) -> BufferSettings {
        self.0.buffer_settings()
    }
}
