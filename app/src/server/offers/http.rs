//! Offers' photos over plain HTTP (a multipart form works without JavaScript): the upload, which
//! reads the format from the bytes, decodes with limits, shrinks and re-encodes as a new JPEG
//! under a name the server draws; and the serving of stored photos.

use crate::domain::ids::{OfferId, UserId};
use crate::server::infra::http::{Refusal, Routes};
use crate::server::offers::photos::{self, MAX_BYTES, MAX_SIDE};
use crate::server::{auth::Caller, state::AppState};
use axum::{
    body::Body,
    extract::{Multipart, Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use image::{ImageFormat, ImageReader, Limits};

/// A refusal of the upload, with the way back to the offer (the form posts without JS).
fn refused(e: impl Into<Refusal>, offer: i32) -> Refusal {
    e.into().back(
        &format!("/compte/offres/{offer}#photos"),
        "offer.edit_title",
    )
}

/// A stored photo: its name, size in pixels and bytes.
struct Stored {
    name: String,
    width: u32,
    height: u32,
    bytes: usize,
}

/// Why a file is not taken, with its status.
pub enum Refused {
    NotAnImage,
    TooBig,
    Io,
}

/// Reads the picture from its bytes (JPEG, PNG or WebP only, whatever it claims to be), within
/// limits, then writes a shrunk JPEG re-encoding of it under a new random name.
fn store(media_dir: &std::path::Path, data: &[u8]) -> Result<Stored, Refused> {
    let picture = decode_photo(data)?;
    let picture = if picture.width() > MAX_SIDE || picture.height() > MAX_SIDE {
        picture.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Lanczos3)
    } else {
        picture
    };
    let rgb = picture.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(&rgb)
        .map_err(|_| Refused::Io)?;
    let name = format!("{}.jpg", uuid_hex());
    let folder = photos::folder(media_dir);
    std::fs::create_dir_all(&folder).map_err(|_| Refused::Io)?;
    std::fs::write(folder.join(&name), &out).map_err(|_| Refused::Io)?;
    Ok(Stored {
        name,
        width: rgb.width(),
        height: rgb.height(),
        bytes: out.len(),
    })
}

/// Decodes a photo from its bytes: JPEG, PNG or WebP only (read from the bytes, whatever the
/// name says), at most 10,000 pixels a side and 256 MiB of memory (the fuzzing command feeds
/// it mutated pictures).
pub fn decode_photo(data: &[u8]) -> Result<image::DynamicImage, Refused> {
    let reader = ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .map_err(|_| Refused::NotAnImage)?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
    ) {
        return Err(Refused::NotAnImage);
    }
    let mut limits = Limits::default();
    // 40 megapixels at most: a decoding bomb is refused before it takes the memory.
    limits.max_image_width = Some(10_000);
    limits.max_image_height = Some(10_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    let mut reader = reader;
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => Refused::TooBig,
        _ => Refused::NotAnImage,
    })
}

/// 32 random hex digits.
fn uuid_hex() -> String {
    use rand::Rng;
    let n: u128 = rand::rng().random();
    format!("{n:032x}")
}

/// POST /compte/offres/{id}/photos (multipart: `photo`, the file; `alt`, what it shows).
pub async fn upload(
    State(state): State<AppState>,
    Path(offer): Path<i32>,
    caller: Caller,
    mut multipart: Multipart,
) -> Result<Response, Refusal> {
    let refuse = |status: StatusCode, key: &str| refused(Refusal::new(status, key), offer);
    let user_id = caller.user().map_err(|e| refused(e, offer))?.id;
    photos::may_add(&state.db, UserId(user_id), OfferId(offer))
        .await
        .map_err(|e| refused(e, offer))?;
    let too_big = || refuse(StatusCode::PAYLOAD_TOO_LARGE, "offer.photo_too_big");
    let unread = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_big()
        } else {
            refuse(StatusCode::BAD_REQUEST, "error.bad_request")
        }
    };
    let (mut data, mut alt) = (None, String::new());
    while let Some(field) = multipart.next_field().await.map_err(unread)? {
        match field.name() {
            Some("photo") => {
                let bytes = field.bytes().await.map_err(unread)?;
                if bytes.len() > MAX_BYTES {
                    return Err(too_big());
                }
                data = Some(bytes);
            }
            Some("alt") => {
                alt = field
                    .text()
                    .await
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(200)
                    .collect::<String>()
                    .trim()
                    .to_string()
            }
            _ => {}
        }
    }
    let data = data
        .filter(|d| !d.is_empty())
        .ok_or_else(|| refuse(StatusCode::BAD_REQUEST, "offer.photo_missing"))?;
    if alt.is_empty() {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "offer.photo_alt_missing",
        ));
    }
    let dir = state.media_dir.clone();
    let stored = match tokio::task::spawn_blocking(move || store(&dir, &data)).await {
        Ok(Ok(s)) => s,
        Ok(Err(Refused::NotAnImage)) => {
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "offer.photo_not_image",
            ))
        }
        Ok(Err(Refused::TooBig)) => return Err(too_big()),
        Ok(Err(Refused::Io)) | Err(_) => {
            return Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, "error.internal"))
        }
    };
    let recorded = photos::add(
        &state.db,
        UserId(user_id),
        OfferId(offer),
        (&stored.name, stored.width, stored.height, stored.bytes),
        &alt,
    )
    .await;
    if let Err(e) = recorded {
        // The file has no row: it goes.
        photos::remove_files(&state.media_dir, [stored.name.as_str()]);
        return Err(refused(e, offer));
    }
    Ok(Redirect::to(&format!("/compte/offres/{offer}?ok=photo#photos")).into_response())
}

/// GET /media/offers/{name}: a stored photo (names the server gave only).
pub async fn serve(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, Refusal> {
    let not_found = || Refusal::from(crate::error::AppError::NotFound);
    if !photos::is_stored_name(&name) {
        return Err(not_found());
    }
    let bytes = tokio::fs::read(photos::folder(&state.media_dir).join(&name))
        .await
        .map_err(|_| not_found())?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            // A name is never reused for other content.
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// The offers' photos as served.
pub fn routes() -> Routes {
    Routes::default().get("/media/offers/{name}", serve)
}

/// The upload of an offer's photo, with its own body limit (mounted after the site's 1 MiB limit).
pub fn upload_routes() -> Routes {
    Routes::default().upload("/compte/offres/{id}/photos", upload, MAX_BYTES + 256 * 1024)
}
