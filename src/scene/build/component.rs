//! COMPONENT_REFERENCE layers: another component of the design, drawn in place.
//!
//! Input: the reference's component id and overrides, its absolute transform, and the
//! component documents the caller's [`crate::AssetResolver`] supplies. Output: a group node
//! holding the referenced component's content, built with the reference's transform as its
//! parent and the overrides applied. Guarantees: the reference's own opacity, blend mode and
//! effects apply to the whole instance (by the caller, as for any layer); a missing or
//! invalid component, a cycle of references, or an override that cannot be applied is
//! reported with the layer id and never aborts the host document; nesting is limited.

use octopus_schema::{Override, Transform};

use super::build_layer;
use super::context::Ctx;
use super::overrides::apply_overrides;
use crate::diag::DiagKind;
use crate::error::Result;
use crate::scene::{GroupNode, NodeKind};

/// Deepest chain of references followed.
const MAX_DEPTH: usize = 16;

/// Builds the instance of component `id` placed by `abs`.
pub(super) fn build_reference(
    ctx: &mut Ctx,
    id: &str,
    overrides: &[Override],
    abs: &Transform,
    isolated: bool,
) -> Result<Option<NodeKind>> {
    if ctx.expanding().iter().any(|c| c == id) || ctx.expanding().len() >= MAX_DEPTH {
        ctx.report(
            DiagKind::InvalidValue,
            "componentId",
            format!(
                "component {id:?} references itself (chain {:?}) or nests deeper than {MAX_DEPTH}; skipped",
                ctx.expanding()
            ),
        );
        return Ok(None);
    }
    let Some(mut value) = ctx.component_json(id) else {
        ctx.report(
            DiagKind::MissingAsset,
            "componentId",
            format!("component {id:?} is not available (render with its manifest); skipped"),
        );
        return Ok(None);
    };
    for problem in apply_overrides(&mut value, overrides) {
        ctx.report(
            DiagKind::InvalidValue,
            "",
            format!("{problem}; that change is not applied"),
        );
    }
    let doc = serde_json::to_vec(&value)
        .map_err(|e| e.to_string())
        .and_then(|b| octopus_schema::parse_document(&b).map_err(|e| e.to_string()));
    let doc = match doc {
        Ok(d) => d,
        Err(e) => {
            ctx.report(
                DiagKind::InvalidValue,
                "componentId",
                format!("component {id:?} is not a valid document ({e}); skipped"),
            );
            return Ok(None);
        }
    };
    let Some(content) = &doc.content else {
        return Ok(None);
    };
    ctx.push_expanding(id);
    ctx.enter(format!("<component {id}>.content"));
    let node = build_layer(ctx, content, abs, false);
    ctx.leave();
    ctx.pop_expanding();
    Ok(node?.map(|n| {
        NodeKind::Group(GroupNode {
            isolated,
            children: vec![n],
            mask: None,
        })
    }))
}
