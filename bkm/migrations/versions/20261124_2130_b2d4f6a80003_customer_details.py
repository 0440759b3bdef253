"""Customer details on users (address, phone, company, e-mail verification, registration channel).

Revision ID: b2d4f6a80003
Revises: a1c3e5f70002
Create Date: 2026-11-24 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2d4f6a80003'
down_revision = 'a1c3e5f70002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('street', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('postcode', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('city', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('customer_type', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('company_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('org_number', sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('registration_channel', sa.String(length=20), server_default='web', nullable=False))
        batch_op.add_column(sa.Column('registered_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_registered_by_id'), ['registered_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_registered_by_id_users'), 'users', ['registered_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(
            batch_op.f('ck_users_customer_type'), "customer_type IN ('private', 'business')"
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_users_channel'),
            "registration_channel IN ('web', 'phone', 'email', 'in_person', 'checkout', 'internal')",
        )

    # Accounts that exist already: staff and managers were made by the shop itself; customers
    # so far could only come from the web shop (the default).
    op.execute("UPDATE users SET registration_channel = 'internal' WHERE role IN ('staff', 'manager')")

def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_channel'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_customer_type'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_users_registered_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_registered_by_id'))
        batch_op.drop_column('registered_by_id')
        batch_op.drop_column('registration_channel')
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('org_number')
        batch_op.drop_column('company_name')
        batch_op.drop_column('customer_type')
        batch_op.drop_column('city')
        batch_op.drop_column('postcode')
        batch_op.drop_column('street')
        batch_op.drop_column('phone')
