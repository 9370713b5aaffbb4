//! MASK_GROUP layers: a mask layer and the children it masks.
//!
//! Input: the mask layer, its basis and channel weights, the children. Output: a group with
//! a [`Mask`] (BODY, FILL, LAYER_AND_EFFECTS, or no mask for SOLID), or an [`EmbedNode`] for
//! the embedding bases used by Figma frames (BODY_EMBED, FILL_EMBED). Guarantees: a drawn
//! mask layer is the group's first child; an empty mask hides the whole group; an invisible
//! embedding mask clips nothing, as the reference does.

use octopus_schema::{Layer, MaskBasis};

use super::context::Ctx;
use super::{build_children, build_layer};
use crate::diag::DiagKind;
use crate::error::Result;
use crate::scene::{EmbedNode, GroupNode, Mask, MaskFacet, Node, NodeKind, Transform};

/// A MASK_GROUP layer's parts.
pub(super) struct MaskGroup<'a> {
    /// The mask layer.
    pub(super) mask: &'a Layer,
    /// What of the mask masks.
    pub(super) basis: &'a MaskBasis,
    /// Channel weights of the mask value.
    pub(super) channels: &'a [f64; 5],
    /// The masked children.
    pub(super) layers: &'a [Layer],
    /// A pass-through (not isolated) group.
    pub(super) pass_through: bool,
}

/// Builds a MASK_GROUP; `None` when the mask hides everything.
pub(super) fn build_mask_group(
    ctx: &mut Ctx,
    abs: &Transform,
    group: &MaskGroup<'_>,
) -> Result<Option<NodeKind>> {
    let MaskGroup {
        mask,
        basis,
        channels,
        layers,
        pass_through,
    } = *group;
    ctx.enter("mask");
    let mask_node = build_layer(ctx, mask, abs, true);
    ctx.leave();
    let mask_node = mask_node?;
    let children = build_children(ctx, layers, abs)?;
    let drawn = mask.visible && mask.opacity > 0.0;
    let facet = match basis {
        MaskBasis::Solid => None,
        MaskBasis::Body => Some(MaskFacet::Body),
        MaskBasis::Fill => Some(MaskFacet::Fill),
        MaskBasis::LayerAndEffects => Some(MaskFacet::LayerAndEffects),
        MaskBasis::BodyEmbed | MaskBasis::FillEmbed => {
            return Ok(Some(embed(
                ctx,
                basis,
                mask,
                mask_node,
                drawn,
                children,
                pass_through,
            )));
        }
        MaskBasis::Unknown(b) => {
            ctx.report(
                DiagKind::UnknownValue,
                "maskBasis",
                format!("unknown mask basis {b:?}; using BODY"),
            );
            Some(MaskFacet::Body)
        }
    };
    let mut all = Vec::with_capacity(children.len() + 1);
    if drawn {
        all.extend(mask_node.clone());
    }
    all.extend(children);
    let mask = match facet {
        None => None,
        // An empty mask (e.g. a stroke-only shape used by its body) hides the whole group.
        Some(_) if mask_node.is_none() && channels[4] <= 0.0 => return Ok(None),
        Some(facet) => mask_node.map(|mut node| {
            node.opacity = 1.0;
            Box::new(Mask {
                node,
                facet,
                channels: channels.map(|c| c as f32),
            })
        }),
    };
    Ok(Some(NodeKind::Group(GroupNode {
        isolated: !pass_through,
        children: all,
        mask,
    })))
}

/// Children embedded into a shape mask; non-shape masks fall back to a drawn BODY mask.
fn embed(
    ctx: &mut Ctx,
    basis: &MaskBasis,
    mask: &Layer,
    mask_node: Option<Node>,
    drawn: bool,
    children: Vec<Node>,
    pass_through: bool,
) -> NodeKind {
    if !mask.visible {
        // The reference applies no clipping at all when an embedding mask is invisible.
        return NodeKind::Group(GroupNode {
            isolated: !pass_through,
            children,
            mask: None,
        });
    }
    if *basis == MaskBasis::FillEmbed {
        ctx.report(
            DiagKind::Approximated,
            "maskBasis",
            "FILL_EMBED clips by the mask outline, not its fill alpha".into(),
        );
    }
    match mask_node {
        Some(Node {
            kind: NodeKind::Shape(shape),
            opacity,
            id,
            effects,
            ..
        }) => NodeKind::Embed(Box::new(EmbedNode {
            mask_effects: effects,
            mask: shape,
            mask_opacity: if drawn { opacity } else { 0.0 },
            mask_id: id,
            isolated: !pass_through,
            children,
        })),
        Some(node) => {
            let mut all = vec![node.clone()];
            all.extend(children);
            let mut facet_node = node;
            facet_node.opacity = 1.0;
            let mask = Box::new(Mask {
                node: facet_node,
                facet: MaskFacet::Body,
                channels: [0.0, 0.0, 0.0, 1.0, 0.0],
            });
            NodeKind::Group(GroupNode {
                isolated: !pass_through,
                children: all,
                mask: Some(mask),
            })
        }
        None => NodeKind::Group(GroupNode {
            isolated: !pass_through,
            children: Vec::new(),
            mask: None,
        }),
    }
}
