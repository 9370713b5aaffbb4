//! Effect kernels on 8-bit buffers: blurs and morphology.
//!
//! Input: coverage (1 channel) or premultiplied RGBA (4 channels) buffers. Output: the
//! buffers filtered in place. Guarantee: integer arithmetic whose result at a pixel depends
//! only on the inputs within its reach, which keeps band rendering byte-identical.
//!
//! * [`blur`]: Gaussian blur as three box passes, constant cost per pixel;
//! * [`shrunk`]: wide blurs on a shrunk copy (background blurs);
//! * [`morphology`]: growing and shrinking coverage with a round window.

pub(crate) mod blur;
pub(crate) mod morphology;
pub(crate) mod shrunk;
