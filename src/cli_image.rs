//! The CLI's image options: format, quality, background and fitting within a size.
//!
//! Input: `render`'s image arguments, the output path and (for fitting) the document bytes.
//! Output: the [`Encoding`] to write with and the scale to render at. Guarantees: the format
//! comes from `--format`, else the output's extension (PNG when it has none), and an unknown
//! one is refused before any work; `--width`/`--height` keep the aspect ratio and the
//! result never exceeds either bound.

use std::path::Path;

use clap::Args;
use octopus_render::handoff::fit_scale;
use octopus_render::output::{parse_color, Encoding, Format};
use octopus_render::scene::Bounds;
use octopus_render::{AssetResolver, Error, RenderConfig, Result};

/// Image options of `render`.
#[derive(Args)]
pub(crate) struct ImageArgs {
    /// Output format: png, jpeg or webp (lossless unless --quality); default: the output's
    /// extension.
    #[arg(long, value_parser = format_name)]
    format: Option<Format>,
    /// Quality, 1 to 100: JPEG's (default 90); with WebP it makes the image lossy (WebP is
    /// lossless without it).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    quality: Option<u8>,
    /// Colour to lay the image over (#rrggbb, #rrggbbaa, #rgb, white, black); JPEG without
    /// it is laid over white, since JPEG has no transparency.
    #[arg(long, value_parser = parse_color)]
    background: Option<[u8; 4]>,
    /// Fit within this many pixels of width, keeping the aspect ratio (instead of --scale).
    #[arg(long, conflicts_with = "scale")]
    width: Option<u32>,
    /// Fit within this many pixels of height, keeping the aspect ratio (instead of --scale).
    #[arg(long, conflicts_with = "scale")]
    height: Option<u32>,
}

fn format_name(s: &str) -> std::result::Result<Format, String> {
    Format::from_name(s).ok_or_else(|| format!("{s:?} is not png, jpeg or webp"))
}

impl ImageArgs {
    /// How to write `out`.
    pub(crate) fn encoding(&self, out: &Path) -> Result<Encoding> {
        let format = match self.format {
            Some(f) => f,
            None => Format::from_path(out).map_err(Error::Unsupported)?,
        };
        Ok(Encoding {
            format,
            quality: self.quality,
            background: self.background,
        })
    }

    /// The format's extension for outputs the CLI names itself (manifest mode).
    pub(crate) fn extension(&self) -> &'static str {
        self.encoding_for_dir().format.extension()
    }

    /// How to write files the CLI names itself: `--format`, else PNG.
    pub(crate) fn encoding_for_dir(&self) -> Encoding {
        Encoding {
            format: self.format.unwrap_or(Format::Png),
            quality: self.quality,
            background: self.background,
        }
    }

    /// True when the output size is asked for instead of a scale.
    pub(crate) fn fits(&self) -> bool {
        self.width.is_some() || self.height.is_some()
    }

    /// The scale that fits the document within `--width` × `--height`: from its
    /// `dimensions`, else from the frame of its scene at 1x.
    pub(crate) fn fit_scale(
        &self,
        json: &[u8],
        cfg: &RenderConfig,
        assets: &dyn AssetResolver,
    ) -> Result<f32> {
        let doc = octopus_schema::parse_document(json)?;
        let frame = match doc.dimensions {
            Some(d) if d.width > 0.0 && d.height > 0.0 => Bounds::new(0.0, 0.0, d.width, d.height),
            _ => {
                let one = RenderConfig {
                    scale: 1.0,
                    ..cfg.clone()
                };
                octopus_render::load_scene(json, &one, assets)?.frame
            }
        };
        Ok(fit_scale(&frame, self.width, self.height))
    }
}
