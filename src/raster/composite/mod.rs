//! Compositing: paints evaluated per pixel and combined with what is below.
//!
//! Input: premultiplied RGBA8 pixels, paints, coverage and opacity. Output: pixels
//! composited. Guarantees: exact integer rounding in the 8-bit paths, so results never depend
//! on how a row is cut; the float paths ([`blend`]) implement every blend mode of the spec.
//!
//! * [`blend`]: blend modes on premultiplied float colour ([`blend::ColorF`]);
//! * [`pixel8`]: 8-bit premultiplied pixel arithmetic;
//! * [`kernels`]: source-over of whole spans, vectorised;
//! * [`occupancy`]: per row, where a group's children can paint;
//! * [`surface`]: pixel buffers addressed in absolute output coordinates;
//! * [`paint`]: solid colours and gradients prepared for the device;
//! * [`gradient_table`]: a gradient's stops sampled into lookup tables;
//! * [`image`]: bitmap sampling for image fills.

pub(crate) mod blend;
pub(crate) mod gradient_space;
pub(crate) mod gradient_table;
pub(crate) mod image;
pub(crate) mod kernels;
pub(crate) mod occupancy;
pub(crate) mod paint;
pub(crate) mod pixel8;
pub(crate) mod surface;
