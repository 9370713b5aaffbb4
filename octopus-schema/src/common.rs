//! Small value types shared by the whole model: colours, transforms, vectors, rectangles.
//!
//! Input: JSON numbers and objects. Output: plain Rust values with the spec's defaults
//! (identity transform, opaque defaults where the spec gives them). Guarantee: a wrong
//! shape (say a transform of 5 numbers) is a deserialisation error at that JSON path.

use serde::{Deserialize, Serialize};

/// Deserializes a list without spare capacity. serde grows a list it cannot size in advance
/// from 4 elements, so a layer's single fill would otherwise reserve room for four: with
/// hundreds of thousands of layers that spare room is most of the document's memory. A list
/// of one (most fills, strokes and effects) is allocated once at its size; longer ones grow
/// and are shrunk (a reallocation and a copy each, which a map's layers would pay twice).
pub(crate) fn compact<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Compact<T>(std::marker::PhantomData<T>);

    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Compact<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a sequence")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let Some(first) = seq.next_element()? else {
                return Ok(Vec::new());
            };
            let Some(second) = seq.next_element()? else {
                return Ok(vec![first]);
            };
            let mut v = Vec::with_capacity(4);
            v.push(first);
            v.push(second);
            while let Some(next) = seq.next_element()? {
                v.push(next);
            }
            v.shrink_to_fit();
            Ok(v)
        }
    }

    d.deserialize_seq(Compact(std::marker::PhantomData))
}

/// Default for boolean fields whose spec default is `true`.
pub(crate) fn yes() -> bool {
    true
}

/// Default for `opacity`-like fields whose spec default is 1.
pub(crate) fn one() -> f64 {
    1.0
}

/// Non-premultiplied RGBA colour, each channel nominally in 0..1 (S: `common/color.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
pub struct Color {
    /// Red.
    pub r: f64,
    /// Green.
    pub g: f64,
    /// Blue.
    pub b: f64,
    /// Alpha (opacity); Figma folds paint opacity in here.
    #[serde(default = "one")]
    pub a: f64,
}

/// A 2x3 affine matrix `[a, b, c, d, e, f]`: `x' = a*x + c*y + e`, `y' = b*x + d*y + f`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Transform(pub [f64; 6]);

impl Default for Transform {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Transform {
    /// The identity matrix (the spec default).
    pub const IDENTITY: Transform = Transform([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self · other`: apply `other` first, then `self` (parent · child).
    pub fn then_apply_to(&self, other: &Transform) -> Transform {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Transform([
            a * a2 + c * b2,
            b * a2 + d * b2,
            a * c2 + c * d2,
            b * c2 + d * d2,
            a * e2 + c * f2 + e,
            b * e2 + d * f2 + f,
        ])
    }

    /// Maps a point.
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// True when every element is finite.
    pub fn is_finite(&self) -> bool {
        self.0.iter().all(|v| v.is_finite())
    }

    /// Determinant of the linear part.
    pub fn determinant(&self) -> f64 {
        self.0[0] * self.0[3] - self.0[1] * self.0[2]
    }

    /// Inverse matrix, or `None` when singular or not finite.
    pub fn invert(&self) -> Option<Transform> {
        let det = self.determinant();
        if !det.is_finite() || det.abs() < 1e-12 {
            return None;
        }
        let [a, b, c, d, e, f] = self.0;
        let inv = Transform([
            d / det,
            -b / det,
            -c / det,
            a / det,
            (c * f - d * e) / det,
            (b * e - a * f) / det,
        ]);
        inv.is_finite().then_some(inv)
    }
}

/// A 2-D vector (S: `common/vec2.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, Serialize)]
pub struct Vec2 {
    /// X.
    pub x: f64,
    /// Y.
    pub y: f64,
}

/// Width and height (S: `common/dimensions.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
pub struct Dimensions {
    /// Width in design pixels.
    pub width: f64,
    /// Height in design pixels.
    pub height: f64,
}

/// Two opposite corners (S: `common/rectangle.yaml`); not x/y/width/height.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, Serialize)]
pub struct Rectangle {
    /// First corner x.
    #[serde(default)]
    pub x0: f64,
    /// First corner y.
    #[serde(default)]
    pub y0: f64,
    /// Opposite corner x.
    #[serde(default)]
    pub x1: f64,
    /// Opposite corner y.
    #[serde(default)]
    pub y1: f64,
}

/// Page-space bounds (S: `common/bounds.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, Serialize)]
pub struct Bounds {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composition_applies_child_first() {
        let parent = Transform([2.0, 0.0, 0.0, 2.0, 10.0, 0.0]);
        let child = Transform([1.0, 0.0, 0.0, 1.0, 5.0, 5.0]);
        let world = parent.then_apply_to(&child);
        assert_eq!(world.apply(0.0, 0.0), (20.0, 10.0));
    }

    #[test]
    fn inverse_round_trips_and_singular_is_none() {
        let t = Transform([0.5, 0.3, -0.2, 1.5, 7.0, -3.0]);
        let inv = t.invert().unwrap();
        let (x, y) = inv.apply(t.apply(3.0, 4.0).0, t.apply(3.0, 4.0).1);
        assert!((x - 3.0).abs() < 1e-9 && (y - 4.0).abs() < 1e-9);
        assert!(Transform([1.0, 2.0, 2.0, 4.0, 0.0, 0.0]).invert().is_none());
    }

    #[test]
    fn transform_needs_six_numbers() {
        assert!(serde_json::from_str::<Transform>("[1,0,0,1,0]").is_err());
    }
}
