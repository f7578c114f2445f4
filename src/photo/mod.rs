//! Photo proof in the browser: a camera photo made small and free of its metadata before it is
//! stored, sized by [`fit`] and encoded by [`prepare`].

mod encode;
mod fit;

pub use encode::{prepare, Prepared};
pub use fit::fit;
