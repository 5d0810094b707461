"""request headline and newsletter: a personal guide's result in one line, for the thank-you page and the
delivery email; and whether the form that made the request asked for the newsletter

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('guide_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headline', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('newsletter', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('guide_requests', schema=None) as batch_op:
        batch_op.drop_column('newsletter')
        batch_op.drop_column('headline')
