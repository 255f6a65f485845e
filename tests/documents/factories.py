import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from filrouge.documents import domain


def pdf_bytes(text="CV de démonstration") -> bytes:
    return HTML(string=f"<p>{text}</p>").write_pdf()


def upload(name="cv.pdf", content=None, content_type="application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type=content_type)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def attachment(person, by=None, **fields):
    arguments = {"kind": "cv", "title": "CV", "by": by} | fields
    return domain.attach(person, upload(), **arguments)
