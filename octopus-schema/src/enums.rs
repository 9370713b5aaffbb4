//! Enumerations of the Octopus 3 spec as *open* enums.
//!
//! Input: JSON strings. Output: a known variant, or `Unknown(name)` for a value this
//! crate does not know. Guarantee: an unknown value never fails deserialisation, so one
//! exotic enum value (say a blend mode added in a later spec) does not abort a whole
//! document; the scene builder turns `Unknown` into a diagnostic naming the layer.

use std::fmt;

pub use crate::unknown::UnknownName;

/// Declares an open string enum: known variants plus `Unknown(UnknownName)` (two bytes in
/// all, where a `String` would make every such field 24).
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $(#[doc = $text] $variant,)+
            /// A value the spec revision implemented here does not define.
            Unknown(UnknownName),
        }

        impl $name {
            /// Every value this crate knows, in declaration order.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            /// The JSON spelling of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Unknown(s) => s.as_str(),
                }
            }

            /// Parses the JSON spelling; never fails.
            pub fn parse(s: &str) -> Self {
                match s {
                    $($text => Self::$variant,)+
                    other => Self::Unknown(UnknownName::new(other)),
                }
            }

            /// True for the `Unknown` variant.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, "a {} string", stringify!($name))
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        Ok($name::parse(s))
                    }
                }
                d.deserialize_str(V)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

open_enum!(
    /// Layer kinds (S: `enums/layer-type.yaml`).
    LayerType {
        Shape = "SHAPE",
        Text = "TEXT",
        Group = "GROUP",
        MaskGroup = "MASK_GROUP",
        ComponentReference = "COMPONENT_REFERENCE",
    }
);

open_enum!(
    /// How a layer composites onto its backdrop (S: `enums/blend-mode.yaml`).
    BlendMode {
        Normal = "NORMAL",
        PassThrough = "PASS_THROUGH",
        Multiply = "MULTIPLY",
        Screen = "SCREEN",
        Overlay = "OVERLAY",
        Darken = "DARKEN",
        Lighten = "LIGHTEN",
        ColorDodge = "COLOR_DODGE",
        ColorBurn = "COLOR_BURN",
        LinearBurn = "LINEAR_BURN",
        LinearDodge = "LINEAR_DODGE",
        LinearLight = "LINEAR_LIGHT",
        VividLight = "VIVID_LIGHT",
        PinLight = "PIN_LIGHT",
        HardMix = "HARD_MIX",
        HardLight = "HARD_LIGHT",
        SoftLight = "SOFT_LIGHT",
        Difference = "DIFFERENCE",
        Exclusion = "EXCLUSION",
        Subtract = "SUBTRACT",
        Divide = "DIVIDE",
        DarkerColor = "DARKER_COLOR",
        LighterColor = "LIGHTER_COLOR",
        Hue = "HUE",
        Saturation = "SATURATION",
        Color = "COLOR",
        Luminosity = "LUMINOSITY",
    }
);

open_enum!(
    /// Path object kinds (S: `enums/path-type.yaml`).
    PathType { Path = "PATH", Rectangle = "RECTANGLE", Compound = "COMPOUND" }
);

open_enum!(
    /// Boolean operation of a COMPOUND path (S: `enums/boolean-op.yaml`).
    BooleanOp { Union = "UNION", Intersect = "INTERSECT", Subtract = "SUBTRACT", Exclude = "EXCLUDE" }
);

open_enum!(
    /// Fill rule (S: `enums/fill-rule.yaml`). No spec default; the reference uses EVEN_ODD.
    FillRule { EvenOdd = "EVEN_ODD", NonZero = "NON_ZERO" }
);

open_enum!(
    /// Which part of the mask layer serves as the mask (S: `enums/mask-basis.yaml`).
    MaskBasis {
        Body = "BODY",
        BodyEmbed = "BODY_EMBED",
        Fill = "FILL",
        FillEmbed = "FILL_EMBED",
        LayerAndEffects = "LAYER_AND_EFFECTS",
        Solid = "SOLID",
    }
);

open_enum!(
    /// What an effect is computed from (S: `enums/effect-basis.yaml`).
    EffectBasis {
        Body = "BODY",
        BodyAndStrokes = "BODY_AND_STROKES",
        Fill = "FILL",
        LayerAndEffects = "LAYER_AND_EFFECTS",
        Background = "BACKGROUND",
    }
);

open_enum!(
    /// Fill kinds (S: `fills/fill-type.yaml`).
    FillType { Color = "COLOR", Gradient = "GRADIENT", Image = "IMAGE" }
);

open_enum!(
    /// Gradient geometry (S: `fills/gradient-type.yaml`).
    GradientType { Linear = "LINEAR", Radial = "RADIAL", Angular = "ANGULAR", Diamond = "DIAMOND" }
);

open_enum!(
    /// Interpolation between a stop and the next (S: `fills/color-stop.yaml`).
    StopInterpolation { Linear = "LINEAR", Power = "POWER", ReversePower = "REVERSE_POWER" }
);

open_enum!(
    /// How an image or gradient is laid out (S: `fills/fill-positioning.yaml`).
    Layout { Fill = "FILL", Fit = "FIT", Tile = "TILE", Stretch = "STRETCH" }
);

open_enum!(
    /// Coordinate space of `positioning.transform`.
    Origin { Layer = "LAYER", Parent = "PARENT", Artboard = "ARTBOARD", Component = "COMPONENT" }
);

open_enum!(
    /// Where a stroke lies relative to the outline (S: `stroke/stroke.yaml`).
    StrokePosition { Center = "CENTER", Inside = "INSIDE", Outside = "OUTSIDE" }
);

open_enum!(
    /// Dash style of a vector stroke.
    StrokeStyle { Solid = "SOLID", Dotted = "DOTTED", Dashed = "DASHED" }
);

open_enum!(
    /// Join between stroke segments.
    LineJoin { Bevel = "BEVEL", Round = "ROUND", Miter = "MITER" }
);

open_enum!(
    /// Cap at open stroke ends.
    LineCap { Round = "ROUND", Butt = "BUTT", Square = "SQUARE" }
);

open_enum!(
    /// Effect kinds (S: `effects/effect-type.yaml`, plus the PSD converter's glows).
    EffectType {
        Overlay = "OVERLAY",
        Stroke = "STROKE",
        DropShadow = "DROP_SHADOW",
        InnerShadow = "INNER_SHADOW",
        Blur = "BLUR",
        GaussianBlur = "GAUSSIAN_BLUR",
        BoundedBlur = "BOUNDED_BLUR",
        BackgroundBlur = "BACKGROUND_BLUR",
        Other = "OTHER",
        OuterGlow = "OUTER_GLOW",
        InnerGlow = "INNER_GLOW",
    }
);

open_enum!(
    /// Image filter kinds (S: `effects/image-filter-type.yaml`).
    ImageFilterType {
        OpacityMultiplier = "OPACITY_MULTIPLIER",
        XdBrightnessAdjustment = "XD_BRIGHTNESS_ADJUSTMENT",
        SketchColorAdjustment = "SKETCH_COLOR_ADJUSTMENT",
        FigmaColorAdjustment = "FIGMA_COLOR_ADJUSTMENT",
        SketchBrightnessAdjustment = "SKETCH_BRIGHTNESS_ADJUSTMENT",
    }
);

open_enum!(
    /// Kind of an image reference.
    ImageRefType { Path = "PATH", ResourceRef = "RESOURCE_REF" }
);

open_enum!(
    /// Text frame sizing (S: `texts/frame.yaml`).
    FrameMode { AutoWidth = "AUTO_WIDTH", AutoHeight = "AUTO_HEIGHT", Fixed = "FIXED" }
);

open_enum!(
    /// Horizontal text alignment.
    HorizontalAlign { Left = "LEFT", Center = "CENTER", Right = "RIGHT", Justify = "JUSTIFY" }
);

open_enum!(
    /// Vertical text alignment (FIXED frames).
    VerticalAlign { Top = "TOP", Center = "CENTER", Bottom = "BOTTOM" }
);

open_enum!(
    /// Where the first baseline sits.
    BaselinePolicy { Set = "SET", Center = "CENTER", OffsetAscender = "OFFSET_ASCENDER", OffsetBearing = "OFFSET_BEARING" }
);

open_enum!(
    /// What happens to text outside a FIXED frame (`CLIP_LINE` is named in the spec text).
    OverflowPolicy { NoOverflow = "NO_OVERFLOW", ClipLine = "CLIP_LINE", ExtendLine = "EXTEND_LINE", ExtendAll = "EXTEND_ALL" }
);

open_enum!(
    /// Ligature setting of a text style.
    Ligatures { None = "NONE", Standard = "STANDARD", All = "ALL" }
);

open_enum!(
    /// Underline setting of a text style.
    Underline { None = "NONE", Single = "SINGLE", Double = "DOUBLE" }
);

open_enum!(
    /// Letter case transform of a text style.
    LetterCase { None = "NONE", Uppercase = "UPPERCASE", Lowercase = "LOWERCASE", SmallCaps = "SMALL_CAPS", TitleCase = "TITLE_CASE" }
);

open_enum!(
    /// Kind of a text list entry.
    ListType { Bulleted = "BULLETED", Numbered = "NUMBERED", Empty = "EMPTY" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_values_round_trip() {
        let m: BlendMode = serde_json::from_str("\"MULTIPLY\"").unwrap();
        assert_eq!(m, BlendMode::Multiply);
        let u: BlendMode = serde_json::from_str("\"GLITTER\"").unwrap();
        assert_eq!(u, BlendMode::Unknown(UnknownName::new("GLITTER")));
        assert!(u.is_unknown());
        assert_eq!(serde_json::to_string(&u).unwrap(), "\"GLITTER\"");
    }

    #[test]
    fn non_string_is_an_error() {
        assert!(serde_json::from_str::<FillRule>("3").is_err());
    }
}
