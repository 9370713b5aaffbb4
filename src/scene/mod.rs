//! The normalised render tree and the builder that makes it.
//!
//! Input: a parsed [`octopus_schema::Document`]. Output: a [`Scene`]: every visible layer as
//! a [`Node`] with its absolute transform (component space, design pixels), its bounds, its
//! geometry built once (paths, booleans, stroke outlines) and its paints resolved. Masks are
//! explicit structure ([`GroupNode::mask`], [`NodeKind::Embed`]). Invisible content is
//! dropped. Guarantees: the renderer reads only this tree; everything the tree cannot
//! represent was reported as a diagnostic while building it; building does no I/O.
//!
//! The tree's types ([`tree`], [`paint`], [`effect`], [`bounds`], [`bitmap`]) never depend on
//! the builder (`build`); [`flatten`] turns its curves into polylines for the rasteriser
//! and the boolean operations.

pub mod bitmap;
pub mod bounds;
mod build;
pub mod effect;
pub mod flatten;
pub mod layer;
pub mod origin;
pub mod paint;
pub mod tree;

pub use bitmap::{decode as decode_bitmap, Bitmap};
pub use bounds::Bounds;
pub use build::{build_scene, BuildOptions};
pub use effect::{Effect, ShadowEffect, StrokeEffect};
/// The affine transform of the tree: `[a, b, c, d, tx, ty]`, the document's own type.
pub use octopus_schema::Transform;
pub use origin::Origin;
pub use paint::{BlendMode, GradientKind, GradientSpace, GradientStop, Paint, PaintKind};
pub use tree::{
    EmbedNode, GroupNode, Mask, MaskFacet, Node, NodeKind, Scene, ShapeNode, StrokeGeometry,
    StrokeNode, StrokeSide,
};
