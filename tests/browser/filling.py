"""Filling in an application form of the standard definition as an applicant does, answering every required
question and attaching a PDF to each required attachment."""

from playwright.sync_api import Page

from avustamo.demo.documents import one_page_pdf


def fill_application(
    page: Page,
    funding_year: int,
    *,
    contact_name: str = "Aino Rahastonhoitaja",
    contact_email: str = "aino@kotipiha.example.org",
    own_funding: str = "5000,50",
) -> None:
    """The costs come to 45 000,50 €; the grant asked for is what own funding leaves of them."""
    page.fill('[name="q-contact-persons-0-name"]', contact_name)
    page.fill('[name="q-contact-persons-0-email"]', contact_email)
    page.fill('[name="q-contact-persons-0-phone"]', "040 123 4567")
    page.fill('[name="q-project-name"]', "Perhekerhot Hervannassa")
    page.fill('[name="q-project-summary"]', "Vertaistukea maahanmuuttaneille perheille.")
    page.fill('[name="q-objectives"]', "Perheet löytävät palvelut.")
    page.fill('[name="q-target-groups"]', "Maahanmuuttaneet lapsiperheet.")
    page.fill('[name="q-activities"]', "Perhekerhot joka viikko.")
    page.check('[name="q-regions"][value="06"]')
    page.fill('[name="q-period-start"]', f"{funding_year}-02-01")
    page.fill('[name="q-period-end"]', f"{funding_year}-12-31")
    page.check('[name="q-vat-recoverable"][value="no"]')
    page.fill('[name="q-budget-personnel"]', "40000")
    page.fill('[name="q-budget-rents"]', "5000,50")
    page.fill('[name="q-budget-own_funding"]', own_funding)
    # Asked only in calls that add the joint-project questions to the standard form (the NGO call does).
    joint_project = page.locator('[name="q-joint-project"][value="no"]')
    if joint_project.count():
        joint_project.check()
    for checkbox in page.locator('[name="q-declarations"]').all():
        checkbox.check()
    for file_input in page.locator('input[type="file"][name^="attachment-"]').all():
        file_input.set_input_files(
            {
                "name": "liite.pdf",
                "mimeType": "application/pdf",
                "buffer": one_page_pdf("Liite", [contact_name]),
            }
        )
