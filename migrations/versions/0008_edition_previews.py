"""edition previews: the PNGs made from an edition's PDF, and the page its personal section starts on

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previews', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('previews_of', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('personal_page', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_column('personal_page')
        batch_op.drop_column('previews_of')
        batch_op.drop_column('previews')
