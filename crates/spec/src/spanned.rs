//! A decoded value together with the place in the file it was written.

use crate::yaml::Span;

/// A value together with the place it was written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}
