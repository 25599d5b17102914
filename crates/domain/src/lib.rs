//! The Kriseservice domain: what things are, who may do what, and which changes are legal.
//! Pure and synchronous: no I/O, no async, no storage or HTTP types.

pub mod callout;
pub mod calls;
pub mod chat;
pub mod checklist;
pub mod contact_list;
pub mod economy;
pub mod error;
pub mod evaluation;
pub mod event;
pub mod everyday;
pub mod exercise;
pub mod export;
pub mod feedback;
pub mod guide;
pub mod handover;
pub mod incident;
pub mod inquiry;
pub mod kpi;
pub mod log;
pub mod markdown;
pub mod narrative;
pub mod org;
pub mod permission;
pub mod report;
pub mod role;
pub mod shifts;
pub mod text;
pub mod time;
pub mod totp;
pub mod user;

pub use error::{DomainError, FieldError};
pub use permission::{Actor, Permission};
pub use role::Role;

/// For [`word_enum!`] in other crates: the schema of the words, for the OpenAPI document.
#[doc(hidden)]
pub use utoipa as __utoipa;

/// Declares a string-backed enum with `as_str`, `ALL`, `FromStr`, `Display` and serde as the same words.
#[macro_export]
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($word => Ok($name::$variant),)+
                    _ => Err($crate::DomainError::invalid(
                        $what,
                        format!("unknown {} '{}'; expected one of: {}", $what, s, [$($word),+].join(", ")),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }

        impl $crate::__utoipa::PartialSchema for $name {
            fn schema() -> $crate::__utoipa::openapi::RefOr<$crate::__utoipa::openapi::schema::Schema> {
                $crate::__utoipa::openapi::ObjectBuilder::new()
                    .schema_type($crate::__utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($word),+]))
                    .into()
            }
        }

        impl $crate::__utoipa::ToSchema for $name {}

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(|e: $crate::DomainError| serde::de::Error::custom(e.to_string()))
            }
        }
    };
}
